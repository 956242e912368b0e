"""Hospitals under 两转一去 (issue 13): from identity to posts, from identity pay to
post-and-performance pay, leaders without administrative rank.

Rules (pure, tested without a database): ``scheme`` (performance schemes and the allocation
to the fen), ``indicators`` (the allowed catalogue and the revenue ban), ``paygap`` (same
post, same pay), ``leadership`` (term contracts and assessments), ``benchmarks`` (staffing
ratios), ``findings`` (what rules report), ``periods`` (pay months).

Topics, each with the same file names as ``hr``'s: ``transition`` (staff on posts by
identity, the dashboard), ``pay`` (the monthly pay import and the identity-gap report),
``performance`` (schemes, figures import, allocation, approval, the payroll-inputs
provider), ``leaders`` (term contracts, assessments, term-end warnings), ``profile`` (beds
and level for the benchmarks). ``reporting`` registers the figures the staffing office
sees; ``home`` the HR officer's to-do list; ``seed`` the demo hospital.
"""
