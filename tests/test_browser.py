"The sliders app as a person meets it: JupyterLab on 127.0.0.1, driven in Debian's Chromium by Playwright."
import json, os, subprocess, sys, time, secrets, urllib.request, numpy as np, pytest
from pathlib import Path
from conftest import free_port

CHROMIUM = '/usr/bin/chromium'
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
WAIT = int(os.environ.get("BROWSER_WAIT", 180_000))   # ms: a backstop for a stuck browser or kernel; every step waits on a condition, not a clock

def shots()->Path:
    "Where screenshots go: $FACECVAE_SCREENSHOTS if set (e.g. nbs/images), else nowhere."
    d = os.environ.get('FACECVAE_SCREENSHOTS'); return Path(d) if d else None

def notebook(path:Path, cells:list):
    "Write a notebook of code cells."
    nb = dict(nbformat=4, nbformat_minor=5, metadata=dict(kernelspec=dict(name='python3', display_name='Python 3', language='python')),
              cells=[dict(cell_type='code', id=f'c{i}', metadata={}, execution_count=None, outputs=[], source=s) for i, s in enumerate(cells)])
    path.write_text(json.dumps(nb))

@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    "JupyterLab on a free port of 127.0.0.1 serving a scratch folder, and Chromium driven by Playwright; both closed after."
    if not Path(CHROMIUM).exists(): pytest.skip(f'no Chromium at {CHROMIUM}: install Debian\'s chromium (apt install chromium; .ci/run does)')
    try: from playwright.sync_api import sync_playwright
    except ImportError: pytest.skip('playwright is not installed: pip install -e ".[dev]" (never `playwright install`: it downloads a browser)')
    root = tmp_path_factory.mktemp('lab'); port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(root/'.rt'), JUPYTERLAB_WORKSPACES_DIR=str(root/'.ws'), JUPYTERLAB_SETTINGS_DIR=str(root/'.settings'),
               FACECVAE_OUT=str(root/'saved'))
    news = root/'.settings'/'@jupyterlab'/'apputils-extension'/'notification.jupyterlab-settings'
    news.parent.mkdir(parents=True); news.write_text(json.dumps(dict(fetchNews='false')))   # no "official Jupyter news?" toast over the app
    log = open(root/'lab.log', 'w')
    proc = subprocess.Popen([sys.executable, '-m', 'jupyter', 'lab', '--no-browser', '--ip=127.0.0.1', f'--port={port}',
                             f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={root}', '--LabApp.expose_app_in_browser=True',
                             *(['--allow-root'] if os.geteuid() == 0 else [])],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    while True:   # wait until the server answers (or fail when it exits)
        if proc.poll() is not None: pytest.fail(f'jupyter lab exited {proc.returncode}: {(root/"lab.log").read_text()[-2000:]}')
        try: urllib.request.urlopen(f'http://127.0.0.1:{port}/api/status?token={token}', timeout=5); break
        except OSError: time.sleep(0.5)
    pw = sync_playwright().start(); browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    try: yield dict(root=root, url=f'http://127.0.0.1:{port}', token=token, browser=browser)
    finally:
        browser.close(); pw.stop(); proc.terminate()
        try: proc.wait(30)
        except subprocess.TimeoutExpired: proc.kill()
        log.close()

IDLE = "window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'"

def open_and_run(lab, name:str, cells:list):
    "Write a notebook, open it in JupyterLab, run all its cells once the kernel is idle; returns the page."
    notebook(lab['root']/name, cells)
    page = lab['browser'].new_page(viewport=dict(width=1500, height=1000))
    page.goto(f'{lab["url"]}/lab/workspaces/{Path(name).stem}/tree/{name}?reset&token={lab["token"]}')   # a workspace of its own: no tabs of other tests
    page.wait_for_function(f'() => {IDLE}', timeout=WAIT)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.locator('img.facecvae-face').first.wait_for(state='visible', timeout=WAIT)
    page.wait_for_function(f"() => {IDLE} && document.querySelector('img.facecvae-face').src.startsWith('blob:')", timeout=WAIT)   # ran, and drawn
    return page

def face(page): return page.locator('img.facecvae-face').first
def readout(page, k:str)->str: return page.locator(f'.facecvae-{k} .widget-readout').first.inner_text().strip()
def app_shot(page, name:str):
    if shots(): shots().mkdir(parents=True, exist_ok=True); page.locator('.jp-OutputArea-output').first.screenshot(path=str(shots()/name))

CELLS = ["from facecvae.generate import FaceSliders\nw = FaceSliders()\nw"]

def test_slider_moves_face(lab):
    "Run the sliders cell, move a slider with the keyboard: the readout and the image change; time each frame as the browser sees it."
    page = open_and_run(lab, 'sliders.ipynb', CELLS)
    assert face(page).bounding_box()['width'] == face(page).bounding_box()['height'] == 256   # square, not stretched
    cut = page.evaluate("() => [...document.querySelectorAll('.widget-label')].filter(e => e.scrollWidth > e.clientWidth).map(e => e.innerText)")
    assert cut == [], f'labels cut short: {cut}'
    app_shot(page, 'sliders_rest.png')
    before, src0 = readout(page, 'mouth'), face(page).get_attribute('src')
    page.evaluate("""() => { const img = document.querySelector('img.facecvae-face'); window._seen = []; window._last = performance.now();
        new MutationObserver(() => { window._last = performance.now(); window._seen.push(window._last) }).observe(img, {attributes: true, attributeFilter: ['src']}) }""")
    page.wait_for_function('() => performance.now() - window._last > 1000', timeout=WAIT)   # the app has settled: no redraw for a second
    page.locator('.facecvae-mouth .noUi-handle').first.focus()
    assert page.evaluate("() => document.activeElement.classList.contains('noUi-handle')")   # the keys go to the slider
    frames, key = [], 'ArrowRight' if float(before) < 0.8 else 'ArrowLeft'
    for i in range(10):   # one step at a time; each key press must come back as a new image
        n, t0 = page.evaluate('[window._seen.length, performance.now()]')
        page.keyboard.press(key)
        page.wait_for_function(f'() => window._seen.length > {n}', timeout=WAIT)
        frames.append(page.evaluate(f'window._seen[{n}]') - t0)
    after = readout(page, 'mouth')
    assert abs(abs(float(after) - float(before)) - 0.1) < 1e-6, (before, after)   # ten key presses moved the slider ten steps
    assert face(page).get_attribute('src') != src0                           # and the face was drawn again
    app_shot(page, 'sliders_moved.png')
    print(f'browser frame time (key press to new image): median {np.median(frames):.0f} ms, max {max(frames):.0f} ms over {len(frames)} steps')
    page.close()

def test_upload_puts_photo_conditions_on_sliders(lab, faces):
    "Upload a real photo through the FileUpload button: the sliders move to the conditions the condition models read from it."
    from facecvae.preprocess import list_images, LAYOUT
    from facecvae.generate import encode_photo, GEN_CONDS
    photo = list_images(faces/LAYOUT['second_dataset_male'])[0][5]
    want = {k: f'{v:.2f}' for k, v in encode_photo(photo)['conditions'].items()}
    page = open_and_run(lab, 'upload.ipynb', CELLS)
    assert not page.locator('img.facecvae-photo').first.is_visible()
    with page.expect_file_chooser(timeout=WAIT) as chooser: page.locator('.facecvae-upload').first.click()   # as a person does
    chooser.value.set_files(str(photo))
    page.locator('img.facecvae-photo').first.wait_for(state='visible', timeout=WAIT)
    page.wait_for_function(f"() => document.querySelector('.facecvae-msg').innerText.includes({json.dumps(photo.name)})", timeout=WAIT)
    assert {k: readout(page, k) for k in GEN_CONDS} == want
    src0 = face(page).get_attribute('src')   # the photo itself: nothing changed yet
    page.evaluate("""() => { const img = document.querySelector('img.facecvae-face'); window._last = null;
        new MutationObserver(() => { window._last = performance.now() }).observe(img, {attributes: true, attributeFilter: ['src']}) }""")
    page.locator('.facecvae-mouth .noUi-handle').first.focus()
    key = 'ArrowRight' if float(want['mouth']) < 0.5 else 'ArrowLeft'
    for _ in range(40): page.keyboard.press(key)   # the mouth the other way: the photo edited
    page.wait_for_function(f"() => Math.abs(parseFloat(document.querySelector('.facecvae-mouth .widget-readout').innerText) - {float(want['mouth'])}) > 0.35", timeout=WAIT)
    page.wait_for_function(f"() => window._last !== null && performance.now() - window._last > 1000 && {IDLE}", timeout=WAIT)   # redrawn, then settled
    assert face(page).get_attribute('src') != src0
    app_shot(page, 'sliders_upload.png')
    page.close()
