from tfreach.cli import run

run()
