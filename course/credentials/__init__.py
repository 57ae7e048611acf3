"""Open Badges 3.0 credentials: every certificate of the central server as a signed, portable credential.

A PDF with a QR code proves something only to whoever can reach Cascade's /verify page. An Open Badges 3.0
credential (a W3C Verifiable Credential) carries its own proof: a JWT signed with the programme's key, whose
public half is published (a JWK per key and a did:web document), and a Bitstring Status List that says whether
it has been revoked. Any wallet, LMS or verifier reads it without asking Cascade who the holder is.

Credentials are signed only where the programme's address is known and https (``COURSE_BASE_URL``) and the
installation is not a field laptop: the central server. Laptops print PDFs as before; their certificates become
credentials once synced.
"""
