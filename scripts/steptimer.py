"`StepTimer`: time training steps inside a fastai fit, then stop it; shared by the bench scripts."
import time
from fastai.callback.core import Callback, CancelFitException

class StepTimer(Callback):
    "Seconds of `n` training steps after `skip` untimed ones (`sync` waits for a GPU), then cancel the fit."
    order = 99   # after every other callback's step work (the discriminator's update included)
    def __init__(self, n:int, sync=lambda: None, skip:int=2): self.n, self.sync, self.skip, self.secs = n, sync, skip, None
    def before_batch(self):
        if self.training and self.iter == self.skip: self.sync(); self.t = time.perf_counter()
    def after_batch(self):
        if self.training and self.iter == self.skip + self.n - 1:
            self.sync(); self.secs = time.perf_counter() - self.t; raise CancelFitException()
    def after_fit(self):
        if self.secs is None: raise SystemExit(f'an epoch has only {len(self.dls.train)} training batches, fewer than the '
                                               f'{self.skip + self.n} needed: ask for fewer batches or give a larger working folder')
