"""What a batch of documents costs on AWS: the price table (one file, dated), the shape
of the deployed workflow read from the ASL and template, and the estimate."""
