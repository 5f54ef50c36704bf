pip install "gradprobe @ git+https://github.com/gradient-glossary/gradient-glossary"
