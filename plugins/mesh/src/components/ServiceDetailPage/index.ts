export {
  LegacyServiceDetailPage,
  ServiceDetail,
  ServiceDetailPage,
} from './ServiceDetailPage';
