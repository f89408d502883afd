"""What the firm does not control: competitors and their offers, the desk, the network."""
