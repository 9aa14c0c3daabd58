from tfreach.cli.main import run

run()
