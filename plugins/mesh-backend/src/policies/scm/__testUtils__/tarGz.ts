import { gzipSync } from 'node:zlib';

/**
 * A gzipped ustar archive of `files`, as GitHub's tarball and GitLab's archive endpoints serve a
 * commit: every path under one top directory (which the UrlReaders strip). Built here so the
 * tests read real archives through the real UrlReaders without fixture files.
 */
export function tarGz(
  topDirectory: string,
  files: Record<string, string | Buffer>,
) {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content)
      ? content
      : Buffer.from(content, 'utf8');
    blocks.push(header(`${topDirectory}/${name}`, data.length));
    blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

function header(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100)
    throw new Error(`${name} is too long for ustar`);
  const block = Buffer.alloc(512);
  const octal = (value: number, length: number) =>
    `${value.toString(8).padStart(length - 1, '0')}\0`;
  block.write(name, 0, 'utf8');
  block.write(octal(0o644, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(0, 12), 136);
  block.write('        ', 148); // the checksum counts its own field as spaces
  block.write('0', 156); // regular file
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}
