"""The daily question: one question a day in a community's channel, answered in place, revealed
the next day (or at a set hour) with how many got it right. `admin` holds `/admin daily`,
`answer` the answer action, `post` what is posted; the job is core.jobs.daily_question."""
