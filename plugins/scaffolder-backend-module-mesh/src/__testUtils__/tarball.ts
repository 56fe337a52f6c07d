import zlib from 'node:zlib';

/**
 * A gzipped ustar archive of `files` under one top folder, the shape of GitHub's
 * `/repos/{owner}/{repo}/tarball/{ref}` answer. Small on purpose: regular files only.
 */
export function tarball(top: string, files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [file, content] of Object.entries(files)) {
    const body = Buffer.from(content, 'utf8');
    blocks.push(header(`${top}/${file}`, body.length), pad(body));
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks));
}

function header(fullPath: string, size: number): Buffer {
  // ustar keeps names over 100 bytes as prefix (directories) + name.
  let prefix = '';
  let name = fullPath;
  if (name.length > 100) {
    const split = fullPath.lastIndexOf('/');
    if (split < 0 || split > 155 || fullPath.length - split - 1 > 100) {
      throw new Error(`path too long for a test tarball: ${fullPath}`);
    }
    prefix = fullPath.slice(0, split);
    name = fullPath.slice(split + 1);
  }
  const h = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) =>
    h.write(text.slice(0, length), offset, length, 'ascii');
  const octal = (n: number, length: number) =>
    `${n.toString(8).padStart(length - 1, '0')}\0`;
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(0, 12), 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\u000000', 257, 8);
  put(prefix, 345, 155);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

function pad(body: Buffer): Buffer {
  const rest = body.length % 512;
  return rest === 0 ? body : Buffer.concat([body, Buffer.alloc(512 - rest)]);
}
