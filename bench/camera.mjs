// bench/camera.mjs - one picture for both senders of a bench: one second of
// videotestsrc's moving zone plate, rendered once, as a Y4M file for
// Chromium's fake camera (--use-file-for-fake-video-capture) and as raw
// I420 frames that gst plays in a loop (rendering a zone plate live costs
// 25 ms a 1080p frame, which would starve the encoder). Detailed enough to
// fill several Mbit/s and to make a large keyframe (at 1080p and the
// 4.5 Mbit/s start, VP8: 100 kB with a browser's rate-control buffer, 500
// kB with libvpx's default one), where Chromium's own fake camera picture
// and gst's pattern=ball compress to a few kB.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const PICTURE = ['videotestsrc', 'pattern=zone-plate', 'kx2=20', 'ky2=20', 'kt=1'];

// { y4m, raw } files of width x height in `dir` (only those in `kinds`).
export function cameraFiles(dir, width, height, kinds = ['y4m', 'raw']) {
  const files = {};
  for (const kind of kinds) {
    const file = join(dir, `camera-${width}x${height}.${kind === 'y4m' ? 'y4m' : 'i420'}`);
    const tail = kind === 'y4m' ? ['y4menc', '!'] : [];
    const r = spawnSync('gst-launch-1.0', ['-q', ...PICTURE, 'num-buffers=30', '!',
      `video/x-raw,format=I420,width=${width},height=${height},framerate=30/1`, '!',
      ...tail, 'filesink', `location=${file}`], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`could not write ${file}`);
    files[kind] = file;
  }
  return files;
}

// gst-launch-1.0 elements playing the raw frames live, to link to a sink.
export const playRaw = (raw, width, height) => ['multifilesrc', `location=${raw}`,
  'loop=true', '!', 'rawvideoparse', `width=${width}`, `height=${height}`, 'format=i420',
  'framerate=30/1', '!', 'clocksync'];
