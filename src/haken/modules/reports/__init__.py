"""Reports (issue 19 item 4): headcount, overtime and 36協定, residence cards, 抵触日."""
