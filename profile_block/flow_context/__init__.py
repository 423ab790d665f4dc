"""The flow around the block: the graph of a flow's actions, what every action reads and
sets in $.Customer, the reads check, the flow map."""
