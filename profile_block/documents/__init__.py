"""Flow documents as the user gave them: the text with positions, the flow, the splice that
writes an edit back into it, where each problem is, validate's output formats."""
