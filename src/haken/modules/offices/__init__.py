"""The agency's offices (派遣元事業所): address, 派遣元責任者; contracts name one."""
