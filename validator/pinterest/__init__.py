"""Pinterest's answers to a publish call: what they mean (``errors``) and whether to retry."""
