import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

const BLOCK = 512;
// A fixed timestamp keeps the archive byte-identical from one synth to the next.
const EPOCH = new Date(0);

/**
 * The chart as `helm package` lays it out: a gzipped tar with the chart folder at its top. Built in
 * memory from the files (sorted, fixed mode, owner and time), so the same chart gives the same bytes.
 */
export function packageChart(chartName: string, files: ReadonlyMap<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const path of [...files.keys()].sort()) {
    const content = Buffer.from(files.get(path) ?? '', 'utf8');
    const header = Buffer.alloc(BLOCK);
    new Header({ path: `${chartName}/${path}`, mode: 0o644, size: content.length, mtime: EPOCH, type: 'File', uid: 0, gid: 0, uname: '', gname: '' }).encode(header, 0);
    blocks.push(header, content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}
