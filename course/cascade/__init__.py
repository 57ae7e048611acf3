"""The cascade itself: who completed a track, who became a trainer, and how far their teaching reached."""
