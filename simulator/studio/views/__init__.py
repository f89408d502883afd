"""One module per view; each draws a world (or two twins) as an SVG or HTML string."""

# How many days a time chart shows: the last year keeps drawing time flat as days pass.
WINDOW = 365
