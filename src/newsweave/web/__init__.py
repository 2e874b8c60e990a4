"""The web server and JSON API over the store (`newsweave serve`); see `web.app`."""
