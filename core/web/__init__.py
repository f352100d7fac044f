"""What the web server (adapters/web) asks the core: a page token's community, the page's
data, whether the database answers. Adapters reach features only through here."""
