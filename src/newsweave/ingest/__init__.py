"""Reading inputs into articles: files (`files`), pages (`web`), feeds (`feeds`), run by `stage`."""
