"How far from the photo may a reconstruction be and still reach an FID target? Real photos that differ from themselves only by a Gaussian blur: PSNR against the unblurred photo beside FID/KID against the held-out photos, as facecvae-evaluate measures reconstructions."
import argparse, time, warnings, torch, numpy as np
warnings.filterwarnings('ignore')
from pathlib import Path
from PIL import Image, ImageFilter
from facecvae.evaluate import real_sets, inception_features, fid, kid, psnr, laplacian_var

p = argparse.ArgumentParser(description=__doc__)
p.add_argument('work', help='working folder with the cache and condition_data.csv (its held-out split is the reference)')
p.add_argument('sigmas', nargs='*', type=float, default=[0.4, 0.6, 0.8, 1.0, 1.3], help="Gaussian blur radii (PIL's GaussianBlur, in pixels of the 64-px image)")
p.add_argument('--n', type=int, default=2000, help='at most this many held-out photos, and as many training photos to blur')
p.add_argument('--size', type=int, default=64, help="the working folder's image size")
p.add_argument('--sheet', help='file for a sheet: 8 photos, then each blur of them, a row each (default: none)')
a = p.parse_args()

A, _, B, what = real_sets(dict(size=a.size), Path(a.work), None, a.n); print(what, flush=True)
B = B.numpy(); fA, rows = inception_features(A, cache=True), [B[:8]]
fB = inception_features(B, cache=True)
print(f'blur 0: PSNR inf, FID {fid(fB, fA):.1f}, KID×1000 {kid(fB, fA)[0]:.1f} (the floor: other real photos)', flush=True)
to_t = lambda x: torch.from_numpy(x).permute(0, 3, 1, 2).float() / 255
tB = to_t(B); sharp_B = laplacian_var(tB)   # the unblurred photos as floats, once
for s in a.sigmas:
    t = time.time(); X = np.stack([np.asarray(Image.fromarray(x).filter(ImageFilter.GaussianBlur(s))) for x in B]); rows.append(X[:8])
    tX = to_t(X); mse = float(((tX - tB) ** 2).mean()); fX = inception_features(X)
    print(f'blur {s:g} px: PSNR {psnr(mse):.2f} dB (MSE {mse:.5f}), FID {fid(fX, fA):.1f}, KID×1000 {kid(fX, fA)[0]:.1f}, '
          f'sharpness ÷ unblurred {laplacian_var(tX) / sharp_B:.2f} ({time.time() - t:.0f} s)', flush=True)
if a.sheet: Image.fromarray(np.concatenate([np.concatenate(list(r), 1) for r in rows], 0)).resize((8 * a.size * 2, len(rows) * a.size * 2), Image.BICUBIC).save(a.sheet)
