"""Council governance (法人治理): the pure rules of charters, votes, numbering and the hash chain."""
