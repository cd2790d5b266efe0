from hypothesis import settings

# No example database in the working tree, no per-example deadline (the first call warms the holiday cache).
settings.register_profile("parvis-legal", database=None, deadline=None, max_examples=200)
settings.load_profile("parvis-legal")
