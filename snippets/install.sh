# from a clone of the repository; add [yolo] for the Ultralytics integration
pip install .
