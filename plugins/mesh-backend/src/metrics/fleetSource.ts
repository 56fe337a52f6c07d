import type { FleetStore } from '../store/FleetStore';

/** The one thing metrics need from discovery: the current fleet (the single import of the store, should it move). */
export type FleetSource = Pick<FleetStore, 'getFleet'>;
