import type { ProjectionThreads } from '../discovery/projectionThreads/ProjectionThreads';

/**
 * Counts the pages `threads` answered itself, by kind of answer. A page it hands back
 * (`undefined`) is read on the event loop with the same result, so a test of the threaded
 * path that does not count would pass with no thread at all.
 */
export function countThreadAnswers(threads: ProjectionThreads) {
  const counts = { pages: 0, other: 0 };
  const readPage = threads.readPage.bind(threads);
  jest
    .spyOn(threads, 'readPage')
    .mockImplementation(async (get, projection) => {
      const answer = await readPage(get, projection);
      if (answer && 'page' in answer) counts.pages++;
      else if (answer) counts.other++;
      return answer;
    });
  return counts;
}
