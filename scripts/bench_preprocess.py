"Preprocessing speed on 1024x1024 JPEGs like the original downloads: prints images/second."
import sys, time, tempfile, argparse
from pathlib import Path
from PIL import Image
from facecvae.preprocess import LAYOUT, list_images, faces_dir, preprocess

p = argparse.ArgumentParser(description=__doc__)
p.add_argument('--n', type=int, default=300, help='images per part (3 parts)')
p.add_argument('--size', type=int, default=64)
p.add_argument('--workers', type=int, default=None)
a = p.parse_args()
faces = faces_dir()
if faces is None: sys.exit('bench_preprocess: no face photos found (set FACECVAE_FACES)')
with tempfile.TemporaryDirectory() as d:
    data = Path(d)/'data'
    for v in LAYOUT.values():   # stand-in photos upscaled to the originals' 1024x1024 JPEG
        (data/v).mkdir(parents=True)
        for src in list_images(faces/v)[0][:a.n]:
            Image.open(src).convert('RGB').resize((1024, 1024), Image.BICUBIC).save(data/v/src.name, quality=90)
    n = 3*a.n
    t = time.time(); preprocess(data, Path(d)/'work', size=a.size, workers=a.workers, quiet=True); dt = time.time()-t
    print(f'first run:  {n} images of 1024x1024 in {dt:.2f}s = {n/dt:.0f} img/s (size {a.size})')
    t = time.time(); preprocess(data, Path(d)/'work', size=a.size, workers=a.workers, quiet=True); dt2 = time.time()-t
    print(f'second run: {dt2:.2f}s (nothing to do)')
