pip install gradprobe
