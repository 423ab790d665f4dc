"""Running the block: AWS clients, lookups, the demo contacts, batch runs and their CSV, the
local service's admin client, who may reach the app and what that turns off."""
