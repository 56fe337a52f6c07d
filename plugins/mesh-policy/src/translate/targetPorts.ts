/** Service ports → the ports the pods listen on, which is what both meshes authorize. */
export function targetPorts(
  ports: { port: number; targetPort?: number | string }[],
  wanted: number[],
): (number | string)[] {
  return wanted.map(w => ports.find(x => x.port === w)?.targetPort ?? w);
}
