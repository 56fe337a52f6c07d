import { dropManagedFields } from './dropManagedFields';

const managed = [
  {
    manager: 'kubelet',
    operation: 'Update',
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:status': {
        'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {} } },
      },
      'f:metadata': { 'f:labels': { 'f:odd]}[{\\"': {} } },
    },
  },
];

const drop = (value: unknown) =>
  JSON.parse(dropManagedFields(Buffer.from(JSON.stringify(value))).toString());

describe('dropManagedFields', () => {
  it('cuts each object’s managedFields and keeps everything else', () => {
    const list = {
      kind: 'PodList',
      metadata: { resourceVersion: '7', continue: 'abc' },
      items: [
        {
          metadata: {
            name: 'a',
            managedFields: managed,
            labels: { app: 'a' },
          },
          spec: { nodeName: 'n1' },
        },
        // first and last key of metadata
        { metadata: { managedFields: managed, name: 'b' } },
        { metadata: { name: 'c', managedFields: managed } },
        // the only key
        { metadata: { managedFields: managed } },
        { metadata: { name: 'd', managedFields: [] } },
      ],
    };
    expect(drop(list)).toEqual({
      kind: 'PodList',
      metadata: { resourceVersion: '7', continue: 'abc' },
      items: [
        {
          metadata: { name: 'a', labels: { app: 'a' } },
          spec: { nodeName: 'n1' },
        },
        { metadata: { name: 'b' } },
        { metadata: { name: 'c' } },
        { metadata: {} },
        { metadata: { name: 'd' } },
      ],
    });
  });

  it('keeps strings that spell the key, escaped quotes and multi-byte characters', () => {
    const list = {
      items: [
        {
          metadata: {
            name: 'ü-😀',
            annotations: {
              note: '"managedFields":[ "x" ] \\',
              '"managedFields":[': 'key that spells it',
            },
            managedFields: [{ manager: 'ø "]}" \\"' }],
          },
        },
      ],
    };
    const out = drop(list);
    expect(out.items[0].metadata).toEqual({
      name: 'ü-😀',
      annotations: list.items[0].metadata.annotations,
    });
  });

  it('returns the same bytes when there is nothing to cut', () => {
    const body = Buffer.from('{"items":[{"metadata":{"name":"a"}}]}');
    expect(dropManagedFields(body)).toBe(body);
  });

  it('leaves a key it cannot cut cleanly, and a body cut short, as they are', () => {
    const spaced = Buffer.from(
      '{"items":[{"metadata":{"name":"a", "managedFields":[{}]}}]}',
    );
    expect(dropManagedFields(spaced).toString()).toBe(spaced.toString());
    const short = Buffer.from(
      '{"items":[{"metadata":{"name":"a","managedFields":[{"m":"x',
    );
    expect(dropManagedFields(short).toString()).toBe(short.toString());
  });
});
