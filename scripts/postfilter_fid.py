"Does sharpening decoded faces afterwards make them better? Prior samples as facecvae-evaluate draws them (its seed, the held-out photos' conditions), through PIL's unsharp mask: FID/KID against the held-out photos beside the sharpness and grid ratios."
import argparse, time, warnings, torch, numpy as np
warnings.filterwarnings('ignore')
from pathlib import Path
from PIL import Image, ImageFilter
from facecvae.generate import load_decoder
from facecvae.model import decode
from facecvae.evaluate import real_sets, inception_features, fid, kid, as_uint8_nhwc, grid_energy, laplacian_var
from facecvae.device import precision_note

p = argparse.ArgumentParser(description=__doc__)
p.add_argument('work', help='working folder with the cache and condition_data.csv (its held-out split is the reference)')
p.add_argument('filters', nargs='*', default=['1:80', '1:160', '2:100'], help='unsharp masks as RADIUS:PERCENT (the unfiltered samples come first)')
p.add_argument('--model', help='C-VAE folder or decoder file (default: the bundled model)')
p.add_argument('--n', type=int, default=2000, help='at most this many held-out photos and samples')
p.add_argument('--sheet', help='folder for a 32-face sheet of each (default: none)')
a = p.parse_args()

print(f'decoding: {precision_note("cpu")}', flush=True)
dec, cfg = load_decoder(a.model, 'cpu'); A, cA, _, what = real_sets(cfg, Path(a.work), None, a.n); print(what, flush=True)
S = as_uint8_nhwc(decode(dec, dec.sample_z(len(A), torch.Generator().manual_seed(1), 1.), cA)).numpy()   # as `evaluate` with seed 0
fA, real = inception_features(A, cache=True), A.permute(0, 3, 1, 2).float() / 255
for f in ['0:0', *a.filters]:
    r, pct = float(f.split(':')[0]), int(f.split(':')[1]); t = time.time()
    X = np.stack([np.asarray(Image.fromarray(x).filter(ImageFilter.UnsharpMask(r, pct, 0))) for x in S]) if pct else S
    fX = inception_features(X); x = torch.from_numpy(X)
    print(f'unsharp mask radius {r:g}, {pct} %: FID {fid(fX, fA):.1f}, KID×1000 {kid(fX, fA)[0]:.1f}; sharpness ÷ real {laplacian_var(x.permute(0, 3, 1, 2).float() / 255) / laplacian_var(real):.2f}, '
          f'grid ÷ real {grid_energy(x) / grid_energy(A):.2f} ({time.time() - t:.0f} s)', flush=True)
    if a.sheet:
        Path(a.sheet).mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.concatenate([np.concatenate(list(X[i*8:(i+1)*8]), 1) for i in range(4)], 0)).save(Path(a.sheet)/f'unsharp_{r:g}_{pct}.png')
