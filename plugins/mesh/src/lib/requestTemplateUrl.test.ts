import { requestTemplateUrl } from './requestTemplateUrl';

describe('requestTemplateUrl', () => {
  it('opens the route template with the service as URL-encoded JSON', () => {
    const url = requestTemplateUrl('route', {
      namespace: 'bookinfo',
      name: 'reviews',
    });
    expect(url).toBe(
      '/create/templates/default/request-mesh-route?formData=%7B%22service%22%3A%22bookinfo%2Freviews%22%7D',
    );
    const formData = new URL(url, 'http://x').searchParams.get('formData');
    expect(JSON.parse(formData!)).toEqual({ service: 'bookinfo/reviews' });
  });

  it('opens the access template', () => {
    expect(
      requestTemplateUrl('access', { namespace: 'shop', name: 'cart' }),
    ).toMatch(/^\/create\/templates\/default\/request-mesh-access\?formData=/);
  });
});
