"How good do photo edits look? FID/KID of mouth edits of the held-out photos (the mouth turned the other way), decoded and keeping the photo's pixels, against the photos themselves and against other real photos."
import argparse, time, warnings, torch, numpy as np
warnings.filterwarnings('ignore')
from pathlib import Path
from facecvae.generate import find_model, generate, condition_regions, keep_photo, KEEP
from facecvae.model import load_cvae_part, refine_latent, REFINE_STEPS
from facecvae.evaluate import real_sets, inception_features, fid, kid, psnr
from facecvae.preprocess import COND_NAMES
from facecvae.device import cpu_capability

p = argparse.ArgumentParser(description=__doc__)
p.add_argument('work', help='working folder with the cache and condition_data.csv (its held-out split is used, as facecvae-evaluate does)')
p.add_argument('--model', help='C-VAE folder or decoder file (default: the bundled model)')
p.add_argument('--n', type=int, default=2000, help='at most this many held-out photos (facecvae-evaluate takes the same ones)')
a = p.parse_args()

dec, cfg = load_cvae_part(find_model(a.model, 'decoder'), 'decoder'); enc, _ = load_cvae_part(find_model(a.model, 'encoder'), 'encoder')
A, cA, B, what = real_sets(cfg, Path(a.work), None, a.n); n = len(A); x = A.permute(0, 3, 1, 2).float() / 255
t = time.time()
with torch.no_grad(): mu = torch.cat([enc(x[i:i+256], cA[i:i+256])[0] for i in range(0, n, 256)])
z = refine_latent(dec, x, cA, mu, REFINE_STEPS, beta=cfg.get('beta') or 0.05)
print(f'{what}: latents refined in {time.time() - t:.0f} s on {cpu_capability()}', flush=True)
t, decoded, kept = time.time(), [], []
for j in range(n):
    e = dict(img=A[j].numpy(), z=z[j:j+1], conditions={'gender': float(cA[j, 0]), **{k: float(v) for k, v in zip(COND_NAMES[2:], cA[j, 2:])}})
    m2 = 0.05 if e['conditions']['mouth'] > 0.5 else 0.95; values = {**e['conditions'], 'mouth': m2}
    rec, ed = generate(dec, [e['conditions'], values], z=e['z'].expand(2, -1))
    decoded.append(ed); kept.append(keep_photo(e, rec, ed, values, condition_regions(dec, e)))
print(f'{n} mouth edits in {time.time() - t:.0f} s', flush=True)
fA, fB = (inception_features(s, cache=True) for s in (A, B))
for name, E in (('decoded edit', np.stack(decoded)), (f'edit keeping the photo (keep {KEEP})', np.stack(kept))):
    t = time.time(); f = inception_features(E)
    err = np.mean([psnr(float((((e.astype(np.float32) - p) / 255) ** 2).mean())) for e, p in zip(E, A.numpy())])
    print(f'{name}: FID / KID×1000 against the photos {fid(f, fA):.1f} / {kid(f, fA)[0]:.1f}, against other real photos {fid(f, fB):.1f} / {kid(f, fB)[0]:.1f}; '
          f'PSNR against the photo {err:.2f} dB ({time.time() - t:.0f} s)', flush=True)
print(f'floor: other real photos against the photos, FID {fid(fB, fA):.1f}', flush=True)
