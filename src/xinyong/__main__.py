from xinyong.cli import app

app()
