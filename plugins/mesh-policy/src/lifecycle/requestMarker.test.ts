import {
  formatPolicyRequestMarker,
  parsePolicyRequestMarker,
} from './requestMarker';

describe('the request marker', () => {
  const marker = {
    policies: ['trafficpolicy.bookinfo.reviews-shift'],
    destinations: ['bookinfo/reviews'],
    taskId: 'a1b2',
    requester: 'user:default/jane',
    team: 'group:default/team-a',
    requestedAt: '2026-12-03T10:00:00.000Z',
  };

  it('reads back what it wrote, inside a description', () => {
    const body = `## Route\n\nreviews…\n\n${formatPolicyRequestMarker(
      marker,
    )}\n`;
    expect(parsePolicyRequestMarker(body)).toEqual(marker);
  });

  it('cannot be closed early by a value', () => {
    const line = formatPolicyRequestMarker({
      ...marker,
      requester: 'user:default/x --> <script>',
    });
    expect(line.indexOf('-->')).toBe(line.length - 3);
    expect(line).not.toMatch(/<script/);
    expect(parsePolicyRequestMarker(line)?.requester).toBe(
      'user:default/x --> <script>',
    );
  });

  it.each([
    [undefined],
    [''],
    ['no marker here'],
    ['<!-- meshport-request {not json} -->'],
    ['<!-- meshport-request {"policies":[]} -->'],
    ['<!-- meshport-request {"policies":["../etc"]} -->'],
    ['<!-- meshport-request {"policies":["trafficpolicy.ns.a"]'],
  ])('is absent from %j', body => {
    expect(parsePolicyRequestMarker(body)).toBeUndefined();
  });

  it('keeps only well-formed fields', () => {
    expect(
      parsePolicyRequestMarker(
        '<!-- meshport-request {"policies":["accesspolicy.ns.a","Bad Ref","accesspolicy.ns.a"],"destinations":["ns/a b","../x",7],"requestedAt":"yesterday","taskId":42} -->',
      ),
    ).toEqual({
      policies: ['accesspolicy.ns.a'],
      taskId: undefined,
      requester: undefined,
      team: undefined,
      requestedAt: undefined,
    });
  });
});
