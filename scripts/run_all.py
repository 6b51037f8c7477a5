"""Run notebooks top to bottom in a Jupyter kernel, as JupyterLab's "Run All" does: time, errors, warnings, files left in the repository.

    python scripts/run_all.py [nbs/06_generate.ipynb ...]      (default: every notebook in nbs/)

The notebooks are not changed (outputs are discarded). Prints one line per notebook and exits 1 if any failed,
printed to stderr (a warning) or left a file in the repository."""
import sys, time, subprocess
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parents[1]

def repo_files()->set:
    "Untracked and ignored files of the repository (outside .venv), to see what a run leaves behind."
    out = subprocess.run(['git', 'status', '--porcelain', '--ignored', '--untracked-files=all'], cwd=REPO, capture_output=True, text=True).stdout
    return {l[3:] for l in out.splitlines() if l[:2] in ('??', '!!') and not l[3:].startswith(('.venv/', '.ci/')) and '__pycache__' not in l}

def run_all(path:Path, timeout:int=1800)->dict:
    "Execute one notebook with its folder as the working directory; returns seconds, error, stderr lines and new repo files."
    path = Path(path).resolve(); nb = nbformat.read(path, as_version=4); before = repo_files()
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', resources=dict(metadata=dict(path=str(path.parent))))
    t, err = time.time(), None
    try: client.execute(stderr=subprocess.DEVNULL)   # the kernel process's own log (its notebook's stderr is kept)
    except CellExecutionError as e: err = str(e).strip().splitlines()[-1][:300]
    secs = time.time() - t
    stderr = [f'cell {i}: {l.strip()}' for i, c in enumerate(nb.cells) for o in c.get('outputs', []) if o.get('name') == 'stderr'
              for l in o['text'].splitlines() if l.strip()]
    skipped = sum('slow cell skipped' in o.get('text', '') for c in nb.cells for o in c.get('outputs', []))
    return dict(name=path.name, seconds=secs, error=err, stderr=stderr, new_files=sorted(repo_files() - before), skipped=skipped)

if __name__ == '__main__':
    paths = [Path(p) for p in sys.argv[1:]] or sorted((REPO/'nbs').glob('*.ipynb'))
    bad = 0
    for p in paths:
        r = run_all(p)
        ok = not (r['error'] or r['stderr'] or r['new_files']); bad += not ok
        print(f"{r['name']}: {'ok' if ok else 'FAILED'} in {r['seconds']:.1f} s ({r['skipped']} slow cells skipped)"
              + (f"; error: {r['error']}" if r['error'] else '') + (f"; stderr: {r['stderr'][:3]}" if r['stderr'] else '')
              + (f"; left in the repository: {r['new_files']}" if r['new_files'] else ''), flush=True)
    sys.exit(1 if bad else 0)
