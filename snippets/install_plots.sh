pip install "gradprobe[plots]"
