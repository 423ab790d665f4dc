"""The block model: the field catalogue, search keys, references, the block itself (validate,
to_action, read_action), editing, what is still open, the block and the test contact in the
page address, text that is not Unicode."""
