"""Quizzes taken on paper: answer sheets printed per learner, keyed in afterwards as ordinary graded attempts.

A trainer with a room and a printer but no device per participant prints one sheet per learner (``sheets``),
with the learner's name, a QR code and a sheet number, and the questions laid out as that learner would have
them online. Back at a phone or the laptop, the trainer scans or types the sheet number and taps the marked
boxes (``keying``): the result is an attempt pinned to the version printed, counted everywhere an online one is.
"""
