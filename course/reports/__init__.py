"""Reports for coordinators: completion, knowledge gain and reach across the cascade."""
