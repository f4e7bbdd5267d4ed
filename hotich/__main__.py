from hotich.cli import main

main()
