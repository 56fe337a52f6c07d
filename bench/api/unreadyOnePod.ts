import fs from 'node:fs';
import { answer, childArgs } from '../lib/child';

export interface UnreadyOnePodArgs {
  /** A snapshot cluster's pods.json. */
  podsFile: string;
}

/**
 * Marks the first pod of a snapshot cluster unready: the one change the API bench's
 * "one changed cluster" phase discovers. In a process of its own, as the snapshot is
 * written: at 50,000 services the file is ~100 MB, and parsing and writing it inside the
 * server charged the server's memory figures with ~80 MiB of heap and its peak RSS with the
 * file's strings.
 */
async function main() {
  const { podsFile } = childArgs<UnreadyOnePodArgs>();
  const pods = JSON.parse(fs.readFileSync(podsFile, 'utf8'));
  for (const condition of pods.items[0].status.conditions)
    if (condition.type === 'Ready') condition.status = 'False';
  fs.writeFileSync(podsFile, JSON.stringify(pods));
  await answer({});
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
