"""Question packs: a community's moderators add their own quiz questions (`/admin pack ...`,
`dojo admin pack import`); its /quiz, daily question and live rounds ask them beside the bank."""
