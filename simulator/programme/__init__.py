"""The loyalty programme: points, tiers, campaigns and accounting behind one facade."""
