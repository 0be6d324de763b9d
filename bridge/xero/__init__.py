"""The Xero side: OAuth 2.0 tokens, a rate governor shared by every process, the API client."""
