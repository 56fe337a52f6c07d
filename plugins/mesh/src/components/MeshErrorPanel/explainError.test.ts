import { explainError } from './explainError';

function httpError(statusCode: number) {
  return Object.assign(new Error(`status ${statusCode}`), { statusCode });
}

describe('explainError', () => {
  it('names the permission on 403', () => {
    expect(explainError(httpError(403), 'the fleet').hint).toMatch(
      /mesh\.fleet\.read/,
    );
  });

  it('sends the user to the overview on 404', () => {
    expect(explainError(httpError(404), 'service a/b')).toEqual({
      title: 'Meshport does not know service a/b',
      hint: expect.stringMatching(/fleet overview/),
    });
  });

  it('suspects a missing backend plugin when the call never got an answer', () => {
    expect(
      explainError(new TypeError('Failed to fetch'), 'the fleet').hint,
    ).toMatch(/mesh-backend installed/);
  });
});
