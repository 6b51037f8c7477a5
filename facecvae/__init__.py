"""facecvae: a small, hackable conditional VAE for faces with attributes you control."""
__version__ = "0.1.0"

import warnings
warnings.filterwarnings("ignore", message=".*torch.jit.script.* is deprecated")  # said by fastai when it is imported
