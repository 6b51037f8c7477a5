"How good do photo edits look? FID/KID of mouth edits of the held-out photos (the mouth turned the other way), decoded and keeping the photo's pixels, against the photos themselves and against other real photos."
import time, numpy as np
from pathlib import Path
from edit_setup import arguments, load_model, encode_photos
from facecvae.generate import generate, condition_regions, keep_photo, KEEP
from facecvae.model import REFINE_STEPS
from facecvae.evaluate import real_sets, inception_features, fid, kid, psnr

a = arguments(__doc__, 2000, 'at most this many held-out photos (facecvae-evaluate takes the same ones)').parse_args()

enc, dec, cfg = load_model(a.model)
A, cA, B, what = real_sets(cfg, Path(a.work), None, a.n); n = len(A); print(what, flush=True)
_, _, photos = encode_photos(enc, dec, cfg, A, cA, REFINE_STEPS)
t, decoded, kept = time.time(), [], []
for e in photos:
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
