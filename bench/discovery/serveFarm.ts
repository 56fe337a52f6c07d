import { ApiServerFarm } from '../lib/apiServerFarm';
import { answer, childArgs } from '../lib/child';
import type { FleetShape } from '../lib/fleetObjects';

/** The API server farm in a process of its own, so its memory never counts against discovery's. */
async function main() {
  const { shape } = childArgs<{ shape: FleetShape }>();
  const farm = new ApiServerFarm(shape);
  const port = await farm.listen();
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'stats') await answer(farm.stats);
    if (m.type === 'stop') {
      await farm.close();
      process.exit(0);
    }
  });
  await answer({ port });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
