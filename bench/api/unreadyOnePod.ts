import fs from 'node:fs';
import { answer, childArgs } from '../lib/child';

export interface UnreadyOnePodArgs {
  /** A snapshot cluster's pods.json. */
  podsFile: string;
  /** An application namespace: the pod must back a service the fleet lists. */
  namespace: string;
}

/**
 * Marks the first pod of an application namespace unready (not the control plane's: its
 * readiness is in no service the fleet lists, so the fleet and its analysis would not
 * change): the one change the API bench's
 * "one changed cluster" phase discovers. In a process of its own, as the snapshot is
 * written: at 50,000 services the file is ~100 MB, and parsing and writing it inside the
 * server charged the server's memory figures with ~80 MiB of heap and its peak RSS with the
 * file's strings.
 */
async function main() {
  const { podsFile, namespace } = childArgs<UnreadyOnePodArgs>();
  const pods = JSON.parse(fs.readFileSync(podsFile, 'utf8'));
  const pod = pods.items.find(
    (p: { metadata: { namespace: string } }) =>
      p.metadata.namespace === namespace,
  );
  if (!pod) throw new Error(`no pod in namespace ${namespace} in ${podsFile}`);
  for (const condition of pod.status.conditions)
    if (condition.type === 'Ready') condition.status = 'False';
  fs.writeFileSync(podsFile, JSON.stringify(pods));
  await answer({});
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
